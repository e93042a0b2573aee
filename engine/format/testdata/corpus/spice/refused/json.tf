{"resource": {}}
