"""OpenAPI 3.1 for the named queries: one GET operation per query, its parameters typed from
the ``#+`` header of its file. Served as ``GET /api/openapi.json`` by :mod:`endpoint.views.api`.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app

from endpoint.app import get_store
from endpoint.named_queries import PAGE_SIZE, NamedQuery, Param
from loaders.iris import ID
from loaders.vocab import schemes


def param_schema(param: Param) -> dict[str, Any]:
    """The JSON Schema of a parameter's value."""
    kind, _, target = param.type.partition(":")
    schemas: dict[str, dict[str, Any]] = {
        "iri": {"type": "string", "format": "iri"},
        "string": {"type": "string", "maxLength": 2000},
        "integer": {"type": "integer"},
        "decimal": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "year": {"type": "string", "pattern": "^[0-9]{4}$"},
        "code": {"type": "string", "examples": sorted(schemes().codes.get(target, {}))[:5]},
        "id": {
            "type": "string",
            "pattern": f"^({re.escape(f'{ID}{target}/')})?[a-z0-9]+(-[a-z0-9]+)*$",
        },
    }
    schema = dict(schemas[kind])
    if param.enum:
        schema["enum"] = list(param.enum)
    if param.default is not None:
        schema["default"] = int(param.default) if kind == "integer" else param.default
    return schema


def openapi_spec(queries: dict[str, NamedQuery], lang: str, server: str) -> dict[str, Any]:
    """OpenAPI 3.1: every named query is a GET operation with typed query parameters."""
    error = {"$ref": "#/components/responses/Error"}
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The named queries" if lang == "en" else "Les requêtes nommées",
                "tags": ["named queries"],
                "responses": {"200": {"description": "name, title, description, params, links"}},
            }
        }
    }
    for query in queries.values():
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": f"{p.description[lang]} — {p.expected}",
                "schema": param_schema(p),
            }
            for p in query.params
        ]
        parameters += [
            {"$ref": f"#/components/parameters/{n}"} for n in ("format", "limit", "offset")
        ]
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "operationId": query.name.replace("-", "_"),
                "summary": query.title[lang],
                "description": query.description[lang],
                "tags": ["named queries"],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "A page of rows (JSON) or a CSV table (whole by default)",
                        "headers": {
                            "ETag": {"schema": {"type": "string"}},
                            "Link": {
                                "description": 'RFC 8288: rel="next" and rel="prev" pages',
                                "schema": {"type": "string"},
                            },
                            "X-Total-Count": {
                                "description": "Rows of the whole result (at most MAX_ROWS)",
                                "schema": {"type": "integer"},
                            },
                        },
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Result"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                    "400": error,
                    "404": error,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rally'nov named queries",
            "version": _dataset_version_label(),
            "description": (
                "Named SPARQL queries over the Rally'nov open knowledge graph; each one is a"
                " queries/*.rq file whose #+ header gives its parameters."
            ),
            "license": {"name": "Licence Ouverte 2.0", "url": str(current_app.config["LICENSE"])},
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": _components(),
    }


def _dataset_version_label() -> str:
    return f"1.0.0+{_version()}" if _version() else "1.0.0"


def _version() -> str:
    meta = get_store(current_app).meta()
    return meta.version if meta is not None else ""


def _components() -> dict[str, Any]:
    value = {"type": ["string", "number", "boolean", "null"]}
    max_rows = int(current_app.config["MAX_ROWS"])
    link = {"type": ["string", "null"], "format": "uri"}
    return {
        "parameters": {
            "format": {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "json (default) or csv; the Accept header works too",
                "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
            },
            "limit": {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page: JSON has pages of {PAGE_SIZE} rows by default;"
                " CSV is whole unless limit or offset is given",
                "schema": {"type": "integer", "minimum": 0, "maximum": max_rows},
            },
            "offset": {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": "Rows to skip (the page's first row); see the next and prev links",
                "schema": {"type": "integer", "minimum": 0, "maximum": max_rows, "default": 0},
            },
        },
        "schemas": {
            "Result": {
                "type": "object",
                "required": ["query", "params", "columns", "rows", "truncated", "total"],
                "properties": {
                    "total": {"type": "integer", "description": "rows of the whole result"},
                    "limit": {"type": "integer"},
                    "offset": {"type": "integer"},
                    "next": {**link, "description": "the next page, null on the last"},
                    "prev": {**link, "description": "the previous page, null on the first"},
                    "query": {"type": "string"},
                    "params": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "null"]},
                    },
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "rows": {
                        "type": "array",
                        "items": {"type": "object", "additionalProperties": value},
                    },
                    "truncated": {"type": "boolean"},
                },
            },
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "status": {"type": "integer"},
                            "title": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    }
                },
            },
        },
        "responses": {
            "Error": {
                "description": "The error, in one sentence that names the parameter at fault",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
    }
