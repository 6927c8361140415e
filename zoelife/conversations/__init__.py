"""Conversations: texts both ways, missed calls and voicemails through Twilio, on each
request's timeline, with crisis triage on every word that comes in (docs/conversations.md)."""
