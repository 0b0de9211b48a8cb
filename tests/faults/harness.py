"""Which API reads a plugin makes, as the simulated API server recorded them."""


def reads(requests: list[tuple], user: str = "admin") -> list[tuple]:
    """(verb, resource, namespace) of one user's requests, first occurrence order."""
    return list(dict.fromkeys((verb, resource, ns) for who, verb, resource, ns in requests if who == user))
