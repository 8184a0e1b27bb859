"""Parse one fetched document (HTML or a text dump) into a ParsedPage. Pure: no I/O, no clock."""
