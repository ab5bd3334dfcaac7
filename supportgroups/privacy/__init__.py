"""Privacy and the account lifecycle: settings, export, deletion, blocking, email preferences,
memorials, sign-in history, no-index and the admin access audit.

Other apps take part through `supportgroups.privacy.registry`: each declares, in its own
`<app>/privacy.py`, what it holds about a person and what deletion does to it.
"""
