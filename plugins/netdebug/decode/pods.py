"""Shapes of object metadata, label selectors, pods and pod templates (the fields netdebug reads)."""
from . import values as v
from .shapes import ANY_OBJECT, ListOf, MapOf, Obj

LABELS = MapOf(v.label_key, v.label_value)
STRINGS = ListOf(v.string)
OWNER_REFERENCE = Obj({"apiVersion": v.string, "kind": v.string, "name": v.string, "uid": v.string,
                       "controller": v.boolean}, required=("kind", "name"))
OBJECT_REFERENCE = Obj({"kind": v.string, "namespace": v.string, "name": v.string, "uid": v.string})


def metadata(name_rule) -> Obj:
    return Obj({"name": name_rule, "namespace": v.dns_label, "labels": LABELS,
                "annotations": MapOf(v.label_key, v.string), "ownerReferences": ListOf(OWNER_REFERENCE),
                "generateName": v.string, "uid": v.string, "resourceVersion": v.string,
                "creationTimestamp": v.string, "deletionTimestamp": v.string})


SELECTOR = Obj({"matchLabels": LABELS, "matchExpressions": ListOf(Obj(
    {"key": v.label_key, "operator": v.operator, "values": ListOf(v.label_value)}, required=("key", "operator")))})
CONDITION = Obj({"type": v.string, "status": v.string, "reason": v.string, "message": v.string}, required=("type",))
HANDLER = Obj({"tcpSocket": Obj({"port": v.port_or_name, "host": v.string}),
               "httpGet": Obj({"port": v.port_or_name, "path": v.string, "host": v.string, "scheme": v.string}),
               "grpc": Obj({"port": v.port, "service": v.string}), "exec": Obj({"command": STRINGS})})
PROBE = Obj({**HANDLER.fields, "periodSeconds": v.integer, "timeoutSeconds": v.integer,
             "failureThreshold": v.integer, "initialDelaySeconds": v.integer})
CONTAINER_PORT = Obj({"containerPort": v.port, "name": v.port_name, "protocol": v.protocol,
                      "hostPort": v.port_or_zero, "hostIP": v.string}, required=("containerPort",))
CONTAINER = Obj({"name": v.dns_label, "image": v.string, "command": STRINGS, "args": STRINGS,
                 "ports": ListOf(CONTAINER_PORT), "readinessProbe": PROBE, "livenessProbe": PROBE,
                 "startupProbe": PROBE, "targetContainerName": v.string}, required=("name",))
POD_SPEC = Obj({
    "containers": ListOf(CONTAINER), "initContainers": ListOf(CONTAINER), "ephemeralContainers": ListOf(CONTAINER),
    "nodeName": v.string, "hostNetwork": v.boolean, "hostname": v.string, "subdomain": v.string,
    "dnsPolicy": v.string, "serviceAccountName": v.string,
    "dnsConfig": Obj({"nameservers": STRINGS, "searches": STRINGS,
                      "options": ListOf(Obj({"name": v.string, "value": v.string}))}),
})
_STATE = Obj({"waiting": Obj({"reason": v.string, "message": v.string}), "running": ANY_OBJECT,
              "terminated": Obj({"exitCode": v.integer, "reason": v.string, "message": v.string})})
CONTAINER_STATUS = Obj({"name": v.string, "ready": v.boolean, "started": v.boolean, "restartCount": v.integer,
                        "state": _STATE, "lastState": _STATE})
POD_IP = Obj({"ip": v.ip})
POD_STATUS = Obj({
    "phase": v.string, "reason": v.string, "message": v.string, "podIP": v.ip, "podIPs": ListOf(POD_IP),
    "hostIP": v.ip, "hostIPs": ListOf(POD_IP), "conditions": ListOf(CONDITION),
    "containerStatuses": ListOf(CONTAINER_STATUS), "initContainerStatuses": ListOf(CONTAINER_STATUS),
    "ephemeralContainerStatuses": ListOf(CONTAINER_STATUS),
})
POD_TEMPLATE = Obj({"metadata": Obj({"labels": LABELS, "annotations": MapOf(v.label_key, v.string)}),
                    "spec": POD_SPEC})
POD = {"spec": POD_SPEC, "status": POD_STATUS}
