#!/usr/bin/env python3
"""Writes <fixture>.targets.json for each pod/node fixture: the targets alloy-components.md §3.4/§3.5 describe,
computed independently of the Swift code so that the tests compare two implementations of the spec; and for the
service, endpoints, endpointslice and ingress fixtures, the targets Prometheus' Kubernetes SD (v3.13, which Alloy
runs) gives them, written from its rules: group labels under each target's own, empty values absent.
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


def object_meta(role, m, t):
    put(t, f'__meta_kubernetes_{role}_name', m.get('name'))
    meta(f'__meta_kubernetes_{role}', m, t)

def service_group(svc):
    g = {}
    put(g, '__meta_kubernetes_namespace', svc['metadata'].get('namespace'))
    object_meta('service', svc['metadata'], g)
    return g

def service_targets(svc):
    g, sp, md = service_group(svc), svc.get('spec', {}), svc['metadata']
    out = []
    for port in sp.get('ports', []):
        t = dict(g)
        t['__address__'] = f"{md['name']}.{md['namespace']}.svc:{port['port']}"
        put(t, '__meta_kubernetes_service_port_name', port.get('name'))
        t['__meta_kubernetes_service_port_number'] = str(port['port'])
        put(t, '__meta_kubernetes_service_port_protocol', port.get('protocol'))
        put(t, '__meta_kubernetes_service_type', sp.get('type'))
        if sp.get('type') == 'ExternalName':
            put(t, '__meta_kubernetes_service_external_name', sp.get('externalName'))
        else:
            put(t, '__meta_kubernetes_service_cluster_ip', sp.get('clusterIP'))
        if sp.get('type') == 'LoadBalancer':
            put(t, '__meta_kubernetes_service_loadbalancer_ip', sp.get('loadBalancerIP'))
        out.append(t)
    return out

def pod_labels(pod):
    """Prometheus' podLabels: the pod's own labels without its containers (and without the namespace)."""
    st, sp, md = pod.get('status', {}), pod.get('spec', {}), pod['metadata']
    t = {}
    put(t, '__meta_kubernetes_pod_ip', st.get('podIP'))
    ready = [c['status'].lower() for c in st.get('conditions', []) if c['type'] == 'Ready']
    t['__meta_kubernetes_pod_ready'] = ready[0] if ready else 'unknown'
    put(t, '__meta_kubernetes_pod_phase', st.get('phase'))
    put(t, '__meta_kubernetes_pod_node_name', sp.get('nodeName'))
    put(t, '__meta_kubernetes_pod_host_ip', st.get('hostIP'))
    put(t, '__meta_kubernetes_pod_uid', md.get('uid'))
    object_meta('pod', md, t)
    for o in md.get('ownerReferences', []):
        if o.get('controller'):
            put(t, '__meta_kubernetes_pod_controller_kind', o.get('kind'))
            put(t, '__meta_kubernetes_pod_controller_name', o.get('name'))
            break
    return t

def containers(pod):
    sp = pod.get('spec', {})
    return [(c, 'false') for c in sp.get('containers', [])] + [(c, 'true') for c in sp.get('initContainers', [])]

def matching_container(t, pod, number, protocol):
    for c, init in containers(pod):
        for cp in c.get('ports', []):
            if cp['containerPort'] == number:
                p = '__meta_kubernetes_pod_container'
                put(t, p + '_name', c['name'])
                put(t, p + '_image', c.get('image'))
                put(t, p + '_port_name', cp.get('name'))
                t[p + '_port_number'] = str(number)
                put(t, p + '_port_protocol', protocol if protocol is not None else cp.get('protocol', 'TCP'))
                t[p + '_init'] = init
                return

def uncovered(group, seen):
    out = []
    for pod, covered in seen.values():
        ip = pod.get('status', {}).get('podIP')
        if not ip: continue
        for c, init in containers(pod):
            for cp in c.get('ports', []):
                if cp['containerPort'] in covered: continue
                p = '__meta_kubernetes_pod_container'
                t = {'__address__': hostport(ip, cp['containerPort']), p + '_name': c['name'], p + '_port_number': str(cp['containerPort']),
                     p + '_port_protocol': cp.get('protocol', 'TCP'), p + '_init': init}
                put(t, p + '_image', c.get('image'))
                put(t, p + '_port_name', cp.get('name'))
                t.update(pod_labels(pod))
                out.append({**group, **t})
    return out

def hostport(host, port):
    return f'[{host}]:{port}' if ':' in host else f'{host}:{port}'

def endpoints_targets(eps, services, pods):
    md = eps['metadata']
    g = {}
    put(g, '__meta_kubernetes_namespace', md.get('namespace'))
    svc = services.get((md['namespace'], md['name']))
    if svc: g.update(service_group(svc))
    object_meta('endpoints', md, g)
    out, seen = [], {}
    def add(addr, port, ready):
        t = {'__address__': hostport(addr['ip'], port['port']), '__meta_kubernetes_endpoint_ready': ready}
        put(t, '__meta_kubernetes_endpoint_port_name', port.get('name'))
        put(t, '__meta_kubernetes_endpoint_port_protocol', port.get('protocol'))
        ref = addr.get('targetRef')
        if ref:
            put(t, '__meta_kubernetes_endpoint_address_target_kind', ref.get('kind'))
            put(t, '__meta_kubernetes_endpoint_address_target_name', ref.get('name'))
        put(t, '__meta_kubernetes_endpoint_node_name', addr.get('nodeName'))
        put(t, '__meta_kubernetes_endpoint_hostname', addr.get('hostname'))
        pod = pods.get((ref.get('namespace'), ref.get('name'))) if ref and ref.get('kind') == 'Pod' else None
        if pod:
            t.update(pod_labels(pod))
            matching_container(t, pod, port['port'], port.get('protocol'))
            seen.setdefault(pod['metadata']['name'], (pod, set()))[1].add(port['port'])
        out.append({**g, **t})
    for ss in eps.get('subsets', []):
        for port in ss.get('ports', []):
            for a in ss.get('addresses', []): add(a, port, 'true')
            for a in ss.get('notReadyAddresses', []): add(a, port, 'false')
    return out + uncovered(g, seen)

def endpointslice_targets(es, services, pods):
    md = es['metadata']
    g = {}
    put(g, '__meta_kubernetes_namespace', md.get('namespace'))
    put(g, '__meta_kubernetes_endpointslice_address_type', es.get('addressType'))
    object_meta('endpointslice', md, g)
    svc = services.get((md['namespace'], (md.get('labels') or {}).get('kubernetes.io/service-name')))
    if svc:
        g.update(service_group(svc))
        sp = svc.get('spec', {})
        if sp.get('ipFamilyPolicy') in ('PreferDualStack', 'RequireDualStack') and sp.get('ipFamilies') and es.get('addressType') != sp['ipFamilies'][0]:
            return []
    out, seen = [], {}
    for ep in es.get('endpoints', []):
        for port in es.get('ports', []):
            for addr in ep.get('addresses', []):
                t = {'__address__': hostport(addr, port['port']) if 'port' in port else addr}
                put(t, '__meta_kubernetes_endpointslice_port_name', port.get('name'))
                put(t, '__meta_kubernetes_endpointslice_port_protocol', port.get('protocol'))
                if 'port' in port: t['__meta_kubernetes_endpointslice_port'] = str(port['port'])
                put(t, '__meta_kubernetes_endpointslice_port_app_protocol', port.get('appProtocol'))
                for c in ('ready', 'serving', 'terminating'):
                    if c in ep.get('conditions', {}):
                        t[f'__meta_kubernetes_endpointslice_endpoint_conditions_{c}'] = 'true' if ep['conditions'][c] else 'false'
                put(t, '__meta_kubernetes_endpointslice_endpoint_hostname', ep.get('hostname'))
                ref = ep.get('targetRef')
                if ref:
                    put(t, '__meta_kubernetes_endpointslice_address_target_kind', ref.get('kind'))
                    put(t, '__meta_kubernetes_endpointslice_address_target_name', ref.get('name'))
                put(t, '__meta_kubernetes_endpointslice_endpoint_node_name', ep.get('nodeName'))
                put(t, '__meta_kubernetes_endpointslice_endpoint_zone', ep.get('zone'))
                for k, v in (ep.get('deprecatedTopology') or {}).items():
                    put(t, '__meta_kubernetes_endpointslice_endpoint_topology_' + sanitize(k), v)
                    t['__meta_kubernetes_endpointslice_endpoint_topology_present_' + sanitize(k)] = 'true'
                pod = pods.get((ref.get('namespace'), ref.get('name'))) if ref and ref.get('kind') == 'Pod' else None
                if pod:
                    t.update(pod_labels(pod))
                    if 'port' in port: matching_container(t, pod, port['port'], None)
                    seen.setdefault(pod['metadata']['name'], (pod, set()))[1].update({port['port']} if 'port' in port else set())
                out.append({**g, **t})
    return out + uncovered(g, seen)

def ingress_targets(ing):
    md, sp = ing['metadata'], ing.get('spec', {})
    g = {}
    put(g, '__meta_kubernetes_namespace', md.get('namespace'))
    put(g, '__meta_kubernetes_ingress_class_name', sp.get('ingressClassName'))
    object_meta('ingress', md, g)
    tls = [h for t in sp.get('tls', []) for h in t.get('hosts', [])]
    def matches(pattern, host):
        if pattern == host: return True
        p, h = pattern.split('.'), host.split('.')
        return p[0] == '*' and len(p) == len(h) and p[1:] == h[1:]
    out = []
    for rule in sp.get('rules', []):
        host = rule.get('host', '')
        scheme = 'https' if any(matches(p, host) for p in tls) else 'http'
        paths = [p.get('path') or '/' for p in rule['http'].get('paths', [])] if 'http' in rule else ['/']
        for path in paths:
            t = dict(g)
            put(t, '__address__', host)
            put(t, '__meta_kubernetes_ingress_host', host)
            t['__meta_kubernetes_ingress_scheme'] = scheme
            t['__meta_kubernetes_ingress_path'] = path
            out.append(t)
    return out

def load(name): return json.load(open(name + '.json'))
def write(name, targets): json.dump(sorted(targets, key=lambda t: json.dumps(t, sort_keys=True)), open(name + '.targets.json', 'w'), indent=1, sort_keys=True)
services = {(s['metadata']['namespace'], s['metadata']['name']): s for s in map(load, ['service-loki-gateway', 'service-external', 'service-lb'])}
pods = {(p['metadata']['namespace'], p['metadata']['name']): p for p in map(load, ['pod-loki-gateway'])}
for name in ['service-loki-gateway', 'service-external', 'service-lb']: write(name, service_targets(load(name)))
write('endpoints-loki-gateway', endpoints_targets(load('endpoints-loki-gateway'), services, pods))
for name in ['endpointslice-loki-gateway', 'endpointslice-grafana-ipv6']: write(name, endpointslice_targets(load(name), services, pods))
write('ingress-grafana', ingress_targets(load('ingress-grafana')))
