# The import ID is DOMAIN:TYPE:ITEM, read from the default file
# /etc/security/limits.d/60-spice.conf ...
terraform import spice_limits.nofile_soft '*:soft:nofile'
# ... or DOMAIN:TYPE:ITEM:FILE for another file. The domain may hold colons
# itself (uid ranges such as 1000:2000): the ID is split from the right.
terraform import spice_limits.staff_nproc '@staff:-:nproc:/etc/security/limits.d/70-staff.conf'
