"""Agri service: field IoT, agronomic alerts, machinery dispatch and product traceability."""
