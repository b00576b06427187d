-- Runs once when the PostgreSQL data directory is first initialised
-- (docker-entrypoint-initdb.d). One database per service that keeps state;
-- tourism is stateless. The k8s base has an identical copy
-- (deploy/k8s/base/infra/postgres/init.sql); tests/deploy checks they match.
CREATE DATABASE medical;
CREATE DATABASE agri;
CREATE DATABASE transport;
CREATE DATABASE gateway;
