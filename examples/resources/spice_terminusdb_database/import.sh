# The import ID is ORGANIZATION/DATABASE.
terraform import spice_terminusdb_database.ontology admin/spice_harvester
