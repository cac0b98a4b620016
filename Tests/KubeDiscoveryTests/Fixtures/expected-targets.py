#!/usr/bin/env python3
"""Writes <fixture>.targets.json for each pod/node fixture: the targets alloy-components.md §3.4/§3.5 describe,
computed independently of the Swift code so that the tests compare two implementations of the spec.
Usage: python3 expected-targets.py   (run in this directory; node-2.json is attached to pods on node-2)."""
import json, re

def sanitize(k):
    return re.sub(r'[^a-zA-Z0-9_]', '_', k)

def meta(prefix, m, t):
    for k, v in (m.get('labels') or {}).items():
        if v: t[f'{prefix}_label_{sanitize(k)}'] = v
        t[f'{prefix}_labelpresent_{sanitize(k)}'] = 'true'
    for k, v in (m.get('annotations') or {}).items():
        if v: t[f'{prefix}_annotation_{sanitize(k)}'] = v
        t[f'{prefix}_annotationpresent_{sanitize(k)}'] = 'true'

def put(t, k, v):
    if v: t[k] = v

def pod_targets(pod, node=None):
    st, sp, md = pod.get('status', {}), pod.get('spec', {}), pod['metadata']
    ip = st.get('podIP')
    if not ip: return []
    g = {}
    put(g, '__meta_kubernetes_namespace', md.get('namespace'))
    put(g, '__meta_kubernetes_pod_name', md.get('name'))
    put(g, '__meta_kubernetes_pod_ip', ip)
    ready = [c['status'].lower() for c in st.get('conditions', []) if c['type'] == 'Ready']
    g['__meta_kubernetes_pod_ready'] = ready[0] if ready else 'unknown'
    put(g, '__meta_kubernetes_pod_phase', st.get('phase'))
    put(g, '__meta_kubernetes_pod_node_name', sp.get('nodeName'))
    put(g, '__meta_kubernetes_pod_host_ip', st.get('hostIP'))
    put(g, '__meta_kubernetes_pod_uid', md.get('uid'))
    for o in md.get('ownerReferences', []):
        if o.get('controller'):
            put(g, '__meta_kubernetes_pod_controller_kind', o.get('kind'))
            put(g, '__meta_kubernetes_pod_controller_name', o.get('name'))
            break
    meta('__meta_kubernetes_pod', md, g)
    if node:
        put(g, '__meta_kubernetes_node_name', node['metadata']['name'])
        meta('__meta_kubernetes_node', node['metadata'], g)
    out = []
    for key, skey, init in (('containers', 'containerStatuses', 'false'), ('initContainers', 'initContainerStatuses', 'true')):
        for c in sp.get(key, []):
            t = dict(g)
            p = '__meta_kubernetes_pod_container'
            put(t, p + '_name', c['name'])
            ids = [s.get('containerID') for s in st.get(skey, []) if s['name'] == c['name']]
            put(t, p + '_id', ids[0] if ids else None)
            put(t, p + '_image', c.get('image'))
            t[p + '_init'] = init
            ports = c.get('ports', [])
            if not ports:
                t['__address__'] = ip
                out.append(t)
            for port in ports:
                u = dict(t)
                host = f'[{ip}]' if ':' in ip else ip
                u['__address__'] = f"{host}:{port['containerPort']}"
                put(u, p + '_port_name', port.get('name'))
                u[p + '_port_number'] = str(port['containerPort'])
                u[p + '_port_protocol'] = port.get('protocol', 'TCP')
                out.append(u)
    return out

def node_target(n):
    first = {}
    for a in n['status'].get('addresses', []):
        first.setdefault(a['type'], a['address'])
    host = next((first[k] for k in ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'] if k in first), None)
    t = {'__address__': f"{host}:{n['status']['daemonEndpoints']['kubeletEndpoint']['Port']}", 'instance': n['metadata']['name'],
         '__meta_kubernetes_node_name': n['metadata']['name']}
    put(t, '__meta_kubernetes_node_provider_id', n.get('spec', {}).get('providerID'))
    meta('__meta_kubernetes_node', n['metadata'], t)
    for k, v in first.items(): t['__meta_kubernetes_node_address_' + sanitize(k)] = v
    for c in n['status'].get('conditions', []):
        t['__meta_kubernetes_node_condition_' + sanitize(c['type'].lower())] = c['status'].lower()
    return t

node = json.load(open('node-2.json'))
for name in ['pod-airflow-scheduler', 'pod-node-exporter', 'pod-pending-unscheduled', 'pod-static-apiserver']:
    pod = json.load(open(name + '.json'))
    json.dump(pod_targets(pod), open(name + '.targets.json', 'w'), indent=1, sort_keys=True)
    attached = node if pod.get('spec', {}).get('nodeName') == 'node-2' else None
    json.dump(pod_targets(pod, attached), open(name + '.with-node.targets.json', 'w'), indent=1, sort_keys=True)
json.dump([node_target(node)], open('node-2.targets.json', 'w'), indent=1, sort_keys=True)
