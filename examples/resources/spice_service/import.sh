# The import ID is the service's name without .service. The unit file is
# read into unit; the structured attributes come from the configuration,
# and a plan whose rendered unit equals the file restarts nothing.
terraform import spice_service.bff spice-harvester-bff
