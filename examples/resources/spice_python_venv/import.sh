# The import ID is the path of a venv spice_python_venv built; its
# requirements are the requirements.txt kept in it.
terraform import spice_python_venv.app /opt/spice-harvester/venv
