"""Demo content for trying the portal out."""
