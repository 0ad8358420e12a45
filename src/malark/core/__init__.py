"""The domain, with no file formats in it: the contract (SPEC's names), the goal model, the
traffic-light rule, Swedish numbers and dates, findings and the rule catalogue, errors.
Imports nothing else of malark."""
