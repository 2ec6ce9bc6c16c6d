"""SIUSS flows (PS-PSA, SINA, SINBA) in the INPS record layout: see ``flows``, ``schemas/README.md``."""
