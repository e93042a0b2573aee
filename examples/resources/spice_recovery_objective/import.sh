# An objective installed under /etc/spice/objectives/ is imported by its scenario.
terraform import spice_recovery_objective.database_corruption database-corruption
