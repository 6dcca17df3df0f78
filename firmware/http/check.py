"""Checking a request against its route: the JSON body's schema and the query's types.

    args = request_args(route, path_params, query, body)   # ValueError saying what is wrong

Only what the route table uses is understood: objects with properties, required and
additionalProperties false; strings (maxLength, enum), integers (minimum, maximum), booleans and
arrays of strings (minItems, maxItems). Bad input is refused here, before any operation runs.
"""


def _value(schema, value, where):
    kind = schema.get("type")
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError("%s must be text" % where)
        if len(value) > schema.get("maxLength", 1 << 30):
            raise ValueError("%s is longer than %d characters" % (where, schema["maxLength"]))
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("%s must be a whole number" % where)
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            raise ValueError("%s is out of range" % where)
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("%s must be true or false" % where)
    elif kind == "array":
        if not isinstance(value, list):
            raise ValueError("%s must be a list" % where)
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", 1 << 30):
            raise ValueError("%s has a wrong number of items" % where)
        for i, item in enumerate(value):
            _value(schema.get("items", {}), item, "%s[%d]" % (where, i))
    elif kind == "object":
        if not isinstance(value, dict):
            raise ValueError("%s must be a JSON object" % where)
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                raise ValueError("%s needs %r" % (where, key))
        for key, item in value.items():
            if key not in props:
                if schema.get("additionalProperties", True) is False:
                    raise ValueError("%s: unknown field %r" % (where, key))
                continue
            _value(props[key], item, key)
    if "enum" in schema and value not in schema["enum"]:
        raise ValueError("%s must be one of %s" % (where, ", ".join(map(str, schema["enum"]))))
    return value


def query_args(route, query):
    """{name: typed value} of the query parameters the route knows; others are refused."""
    known = {p["name"]: p["schema"] for p in route.query}
    out = {}
    for name, text in query.items():
        schema = known.get(name)
        if schema is None:
            raise ValueError("unknown query parameter %r" % name)
        if schema.get("type") == "integer":
            if not text.lstrip("-").isdigit() or len(text) > 9:
                raise ValueError("%s must be a whole number" % name)
            out[name] = _value(schema, int(text), name)
        else:
            out[name] = _value(schema, text, name)
    return out


def request_args(route, params, query, body):
    """The operation's arguments: path parameters, query and JSON body, each checked."""
    args = {}
    for p in route.params:
        args[p["name"]] = _value(p["schema"], params.get(p["name"], ""), p["name"])
    args.update(query_args(route, query))
    if route.body is not None and route.body.get("type") == "object":
        if body is None:
            body = {}
        args.update(_value(route.body, body, "body"))
    return args
