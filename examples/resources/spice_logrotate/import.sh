# The import ID is the policy's name, the file /etc/logrotate.d/NAME. The
# file must be in the form spice writes; another form imports as content
# only, and the next apply rewrites it.
terraform import spice_logrotate.services spice-harvester-services
