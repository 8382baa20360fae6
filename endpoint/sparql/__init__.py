"""The SPARQL 1.1 Protocol endpoint's parts (the view is ``endpoint/views/sparql.py``).

- :mod:`.protocol`: the query and dataset of a request, and what is refused (updates);
- :mod:`.formats`: the result formats and their negotiation;
- :mod:`.execution`: one query in a worker (SERVICE guard, row cap, serialisation);
- :mod:`.cache`: repeated answers per dataset version, ETag and Last-Modified;
- :mod:`.replay`: repeated GETs answered before Flask, with their ``304``;
- :mod:`.versions`: the dataset version, read cheaply on every request;
- :mod:`.description`: the SPARQL 1.1 Service Description.

The worker processes themselves are managed by :mod:`endpoint.query_runner`.
"""
