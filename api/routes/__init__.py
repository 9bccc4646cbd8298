"""One router per resource; each route parses HTTP and calls one `Service` or `Store` method."""
