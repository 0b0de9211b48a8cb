"""The shape of every kind netdebug reads: what decode() checks before anything else sees an object."""
from . import values as v
from .mesh_kinds import MESH_BODIES
from .pods import CONDITION, LABELS, OBJECT_REFERENCE, POD, POD_TEMPLATE, SELECTOR, STRINGS, metadata
from .shapes import ANY_OBJECT, ListOf, MapOf, Obj

_LB_STATUS = Obj({"loadBalancer": Obj({"ingress": ListOf(Obj({"ip": v.ip, "hostname": v.string}))})})
_SERVICE_PORT = Obj({"name": v.string, "port": v.port, "targetPort": v.target_port, "protocol": v.protocol,
                     "nodePort": v.port_or_zero, "appProtocol": v.string}, required=("port",))
SERVICE = {
    "spec": Obj({"type": v.string, "selector": LABELS, "clusterIP": v.cluster_ip, "clusterIPs": ListOf(v.cluster_ip),
                 "ports": ListOf(_SERVICE_PORT), "externalName": v.string, "externalIPs": ListOf(v.ip),
                 "externalTrafficPolicy": v.string, "internalTrafficPolicy": v.string,
                 "sessionAffinity": v.string, "loadBalancerClass": v.string, "publishNotReadyAddresses": v.boolean,
                 "loadBalancerSourceRanges": ListOf(v.cidr), "ipFamilies": STRINGS}),
    "status": _LB_STATUS,
}
_SLICE_ENDPOINT = Obj({"addresses": STRINGS, "nodeName": v.string, "hostname": v.string, "zone": v.string,
                       "targetRef": OBJECT_REFERENCE,
                       "conditions": Obj({"ready": v.boolean, "serving": v.boolean, "terminating": v.boolean})})
_ENDPOINT_PORT = Obj({"name": v.string, "port": v.port_or_zero, "protocol": v.protocol, "appProtocol": v.string})
ENDPOINT_SLICE = {"addressType": v.string, "endpoints": ListOf(_SLICE_ENDPOINT), "ports": ListOf(_ENDPOINT_PORT)}
_ADDRESS = Obj({"ip": v.ip, "hostname": v.string, "nodeName": v.string, "targetRef": OBJECT_REFERENCE})
ENDPOINTS = {"subsets": ListOf(Obj({"addresses": ListOf(_ADDRESS), "notReadyAddresses": ListOf(_ADDRESS),
                                    "ports": ListOf(_ENDPOINT_PORT)}))}
NODE = {
    "spec": Obj({"podCIDR": v.cidr, "podCIDRs": ListOf(v.cidr), "unschedulable": v.boolean,
                 "providerID": v.string, "taints": ListOf(ANY_OBJECT)}),
    "status": Obj({"addresses": ListOf(Obj({"type": v.string, "address": v.string})),
                   "conditions": ListOf(CONDITION), "nodeInfo": MapOf(v.string, v.string)}),
}
_BACKEND = Obj({"service": Obj({"name": v.dns1035_label, "port": Obj({"number": v.port, "name": v.port_name})},
                               required=("name",)),
                "resource": Obj({"apiGroup": v.string, "kind": v.string, "name": v.string})})
_HTTP_PATH = Obj({"path": v.string, "pathType": v.string, "backend": _BACKEND}, required=("backend",))
INGRESS = {
    "spec": Obj({"ingressClassName": v.string, "defaultBackend": _BACKEND,
                 "tls": ListOf(Obj({"hosts": STRINGS, "secretName": v.string})),
                 "rules": ListOf(Obj({"host": v.string, "http": Obj({"paths": ListOf(_HTTP_PATH)}, ("paths",))}))}),
    "status": _LB_STATUS,
}
INGRESS_CLASS = {"spec": Obj({"controller": v.string, "parameters": ANY_OBJECT})}
_WORKLOAD_STATUS = Obj({key: v.integer for key in (
    "replicas", "readyReplicas", "availableReplicas", "updatedReplicas", "currentNumberScheduled",
    "desiredNumberScheduled", "numberReady", "numberAvailable", "active", "succeeded", "failed")})
_WORKLOAD_SPEC = {"replicas": v.integer, "selector": SELECTOR, "template": POD_TEMPLATE, "serviceName": v.string}
WORKLOAD = {"spec": Obj(_WORKLOAD_SPEC), "status": _WORKLOAD_STATUS}
REPLICATION_CONTROLLER = {"spec": Obj({**_WORKLOAD_SPEC, "selector": LABELS}), "status": _WORKLOAD_STATUS}
CRON_JOB = {"spec": Obj({"jobTemplate": Obj({"spec": Obj(_WORKLOAD_SPEC)})})}
_PEER = Obj({"podSelector": SELECTOR, "namespaceSelector": SELECTOR,
             "ipBlock": Obj({"cidr": v.string, "except": STRINGS}, required=("cidr",))})
_POLICY_PORT = Obj({"protocol": v.string, "port": lambda value: None if type(value) in (int, str) else
                    v.integer(value), "endPort": v.integer})
NETWORK_POLICY = {"spec": Obj({
    "podSelector": SELECTOR, "policyTypes": STRINGS,
    "ingress": ListOf(Obj({"from": ListOf(_PEER), "ports": ListOf(_POLICY_PORT)})),
    "egress": ListOf(Obj({"to": ListOf(_PEER), "ports": ListOf(_POLICY_PORT)})),
}, required=("podSelector",))}
_ADMIN_RULE = Obj({"name": v.string, "action": v.string, "from": ListOf(ANY_OBJECT), "to": ListOf(ANY_OBJECT),
                   "ports": ListOf(ANY_OBJECT), "protocols": ListOf(ANY_OBJECT)})
ADMIN_POLICY = {"spec": Obj({"priority": v.integer, "tier": v.string, "subject": ANY_OBJECT,
                             "ingress": ListOf(_ADMIN_RULE), "egress": ListOf(_ADMIN_RULE)}, required=("subject",))}
EVENT = {"involvedObject": OBJECT_REFERENCE, "reason": v.string, "message": v.string, "type": v.string,
         "count": v.integer, "lastTimestamp": v.string, "eventTime": v.string}
DATA = {"data": MapOf(v.string, v.string), "type": v.string}

BODIES = {
    "Pod": POD, "Service": SERVICE, "EndpointSlice": ENDPOINT_SLICE, "Endpoints": ENDPOINTS, "Node": NODE,
    "Namespace": {"status": Obj({"phase": v.string})}, "Ingress": INGRESS, "IngressClass": INGRESS_CLASS,
    "Deployment": WORKLOAD, "StatefulSet": WORKLOAD, "DaemonSet": WORKLOAD, "ReplicaSet": WORKLOAD,
    "Job": WORKLOAD, "CronJob": CRON_JOB, "ReplicationController": REPLICATION_CONTROLLER,
    "NetworkPolicy": NETWORK_POLICY, "AdminNetworkPolicy": ADMIN_POLICY, "BaselineAdminNetworkPolicy": ADMIN_POLICY,
    "ClusterNetworkPolicy": ADMIN_POLICY, "Event": EVENT, "Secret": DATA, "ConfigMap": DATA, **MESH_BODIES,
}
NAME_RULES = {"Namespace": v.dns_label, "Service": v.dns1035_label}


def shape_of(kind: str) -> Obj:
    """The whole object's shape: apiVersion, kind, metadata (name required) and the kind's body."""
    name_rule = NAME_RULES.get(kind, v.dns_subdomain)
    meta = metadata(name_rule)
    return Obj({"apiVersion": v.string, "kind": v.string, "metadata": Obj(meta.fields, ("name",)),
                **BODIES.get(kind, {})}, required=("kind", "metadata"))
