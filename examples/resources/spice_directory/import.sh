# The import ID is the directory's absolute path.
terraform import spice_directory.backups /opt/spice-harvester/data/backups
