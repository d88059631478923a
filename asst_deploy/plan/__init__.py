"""Plans: the types (``types``) and the pure function that makes one (``planner``)."""
