"""Demo devices of the four scenarios; each publishes real protobuf events to Kafka."""
