"""Tourism service: visitor flow and environment at Jueshan scenic area and Dayang ancient town."""
