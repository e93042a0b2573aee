# A policy installed under /etc/spice/backup/ is imported by its name.
terraform import spice_backup_policy.daily daily
