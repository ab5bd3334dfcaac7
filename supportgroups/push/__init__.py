"""Web Push: the site as an installable app that can tell a person's phone.

Every in-app notification of a kind a person chose is mirrored as a push to their devices
(`services.mirror`, called by `supportgroups.services.notify`), after the same decision: the push
carries a generic title per kind and a link, never the words. Crisis alerts to the people on duty
go as high-urgency pushes that quiet hours never hold (`services.alert_urgently`).
"""
