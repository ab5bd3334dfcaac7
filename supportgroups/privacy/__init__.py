"""Privacy and the account lifecycle (issue 9): settings, export, deletion, blocking, email
preferences, memorials, sign-in history, no-index and the admin access audit.

Other apps take part through `supportgroups.privacy.registry` (see /work/notes/issue-9.md).
"""
