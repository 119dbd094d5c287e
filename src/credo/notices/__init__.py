"""Notices: the transactional outbox, its delivery (inbox, SMTP, signed webhooks), their texts."""
