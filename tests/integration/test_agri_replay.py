"""The demo replay through the real agri service: the simulators process (soil logs, air masts
with a frost night, machines on roads) → Kafka → agri → Redis/SQLite → gRPC. The frost night
raises one critical alarm per affected field, each gets a frost-protection order with the
nearest free capable machine, and the morning clears each alarm once."""

import grpc
from agri.config import AgriSettings
from agri.domain.dispatch import haversine_km
from agri.main import serve
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra.proc import free_port
from simulators.agri import ROADS
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc

CENTRES = {"field-e1": (35.5011, 112.8427), "field-e2": (35.4961, 112.8497)}


def test_replayed_frost_night_end_to_end(base_env, redis_client, in_process, spawn, wait,
                                         tmp_path, signed):
    port = free_port()
    env = {k.removeprefix("Z5G_").lower(): v for k, v in base_env.items()}
    settings = AgriSettings(**env, grpc_port=port, metrics_port=0,
                            database_url=f"sqlite:///{tmp_path}/agri.db")
    with in_process(serve, settings):
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        health = health_pb2_grpc.HealthStub(channel)
        wait(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
             == health_pb2.HealthCheckResponse.SERVING, 60, "agri SERVING")
        stub = agri_pb2_grpc.AgriServiceStub(signed(f"127.0.0.1:{port}", "agri",
                                                    "agri_bureau", "agri-bureau"))
        # 20 ticks a second: a simulated day (96 ticks) in ~5 s, the frost night on day 3.
        sim = spawn("simulators", base_env | {"Z5G_METRICS_PORT": "0"}, "agri",
                    "--interval", "0.05")

        def frost():
            return [a for a in stub.ListAlarms(agri_pb2.ListAlarmsRequest(), timeout=5).alarms
                    if a.alarm_type == agri_pb2.ALARM_TYPE_FROST]

        wait(lambda: {a.field_id for a in frost() if a.severity == agri_pb2.SEVERITY_CRITICAL}
             == set(CENTRES), 90, "critical frost on the valley fields", (sim,))
        wait(lambda: frost() and all(a.status == agri_pb2.ALARM_STATUS_CLEARED_UNACK
                                     for a in frost()), 60, "frost cleared in the morning",
             (sim,))
        alarms = frost()
        by_field = {f: [a for a in alarms if a.field_id == f] for f in CENTRES}
        assert all(len(v) == 1 for v in by_field.values()), by_field       # never duplicated
        hill = [a for a in alarms if a.field_id == "field-e3"]
        assert [a.severity for a in hill] == [agri_pb2.SEVERITY_WARNING]   # maize on the hill

        orders = [o for o in stub.ListOrders(agri_pb2.ListOrdersRequest(), timeout=5).orders
                  if o.task == "frost_protection"]
        assert sorted(o.field_id for o in orders) == sorted(CENTRES)      # one per field
        assert all(o.machine_id in {"fan-01", "sprayer-01"} for o in orders)
        assert len({o.machine_id for o in orders}) == 2
        first = min(orders, key=lambda o: o.created_time.ToNanoseconds())
        machines = {m.id: m for m in stub.ListMachines(agri_pb2.ListMachinesRequest(),
                                                       timeout=5).machines}
        assert set(machines) == set(ROADS)
        assert all(m.state != "silent" for m in machines.values())
        assert first.distance_km > 0 and first.eta_min > 0
        # The ETA matches a road trip from somewhere on the chosen machine's road.
        road = ROADS[first.machine_id]
        closest = min(haversine_km(*p, *CENTRES[first.field_id]) for p in road) * 1.3
        farthest = max(haversine_km(*p, *CENTRES[first.field_id]) for p in road) * 1.3
        assert closest - 0.5 <= first.distance_km <= farthest + 0.5
        fields = {f.field_id: f for f in stub.ListFieldStatus(
            agri_pb2.ListFieldStatusRequest(), timeout=5).fields}
        assert fields["field-e1"].latest.HasField("soil_moisture_vwc")    # kept, not blanked
        channel.close()
