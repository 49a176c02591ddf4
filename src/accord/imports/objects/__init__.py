"""Planning and writing one object type each: people, accounts, opportunities, touchpoints."""
