"""The benchmarks of ``make bench`` (``python -m bench``): every figure a ratio of two things measured side by side
in one run, each measurement a fresh process. ``measure`` runs and measures processes, ``report`` turns results into
tables and acceptance checks, and each scenario module (``synth_import``, ``packaging_cache``, ``scaling``,
``handler``) measures one thing. What each figure means: ``docs/performance-details.md``."""
