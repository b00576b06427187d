"""Importer of real sensor logs (``python -m agri.importer``): declarative mappings per source."""
