from django import template

from supportgroups.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Writers' Markdown as sanitised HTML (nh3), the one renderer the site uses."""
    return render_markdown(text)
