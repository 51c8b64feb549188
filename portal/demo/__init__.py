"""The demo school: realistic, deterministic data for trying the portal and for benchmarks."""
