"""The rules: conduct packs (policy, with the built-in packs/*.json), moderation rules
(moderation) and the packs' texts in the officer's language (i18n)."""
