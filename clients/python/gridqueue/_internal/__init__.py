"""Protocol machinery behind the public API: connections, task streams, the worker protocol.

Nothing here is public: names and signatures may change between releases.
"""
