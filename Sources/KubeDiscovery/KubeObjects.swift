import Foundation

// The parts of Kubernetes API objects that discovery reads, decoded from the API server's JSON. Every field is
// optional: the API omits empty ones, and a field discovery does not know must not break decoding.

/// `metadata` of any object.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public init(name: String? = nil, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}

/// `metadata.ownerReferences[]`.
public struct OwnerReference: Codable, Sendable, Equatable {
    public var kind: String?
    public var name: String?
    public var controller: Bool?
}

/// A pod: what targets are built from.
public struct Pod: Codable, Sendable, Equatable {
    public struct Spec: Codable, Sendable, Equatable {
        public var nodeName: String?
        public var containers: [Container]?
        public var initContainers: [Container]?
        public init(nodeName: String? = nil, containers: [Container]? = nil, initContainers: [Container]? = nil) {
            self.nodeName = nodeName
            self.containers = containers
            self.initContainers = initContainers
        }
    }
    public struct Container: Codable, Sendable, Equatable {
        public var name: String?
        public var image: String?
        public var ports: [ContainerPort]?
    }
    public struct ContainerPort: Codable, Sendable, Equatable {
        public var name: String?
        public var containerPort: Int?
        public var protocol_: String?
        enum CodingKeys: String, CodingKey {
            case name, containerPort
            case protocol_ = "protocol"
        }
    }
    public struct Status: Codable, Sendable, Equatable {
        public var phase: String?
        public var podIP: String?
        public var hostIP: String?
        public var conditions: [Condition]?
        public var containerStatuses: [ContainerStatus]?
        public var initContainerStatuses: [ContainerStatus]?
    }
    public struct ContainerStatus: Codable, Sendable, Equatable {
        public var name: String?
        public var containerID: String?
    }
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?
}

/// `status.conditions[]` of pods and nodes.
public struct Condition: Codable, Sendable, Equatable {
    public var type: String?
    public var status: String?
}

/// A node: its own targets (role `node`) and the metadata `attach_metadata { node = true }` adds to pods.
public struct Node: Codable, Sendable, Equatable {
    public struct Spec: Codable, Sendable, Equatable {
        public var providerID: String?
    }
    public struct Status: Codable, Sendable, Equatable {
        public var addresses: [Address]?
        public var conditions: [Condition]?
        public var daemonEndpoints: DaemonEndpoints?
    }
    public struct Address: Codable, Sendable, Equatable {
        public var type: String?
        public var address: String?
    }
    public struct DaemonEndpoints: Codable, Sendable, Equatable {
        public struct Endpoint: Codable, Sendable, Equatable { public var Port: Int? }
        public var kubeletEndpoint: Endpoint?
    }
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?
}

/// A namespace (`attach_metadata { namespace = true }`).
public struct Namespace: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta
}

/// What every watched kind has: a name, a namespace and a resource version.
public protocol KubeObject: Codable, Sendable, Equatable {
    var metadata: ObjectMeta { get }
    /// The URL path segment of the kind (`pods`, `nodes`, `namespaces`).
    static var resource: String { get }
    /// The API group's path (`/api/v1` for the core group).
    static var apiPrefix: String { get }
    /// Whether objects of this kind live in namespaces.
    static var namespaced: Bool { get }
}

extension Pod: KubeObject {
    public static var resource: String { "pods" }
    public static var namespaced: Bool { true }
}
extension Node: KubeObject {
    public static var resource: String { "nodes" }
    public static var namespaced: Bool { false }
}
extension Namespace: KubeObject {
    public static var resource: String { "namespaces" }
    public static var namespaced: Bool { false }
}

extension KubeObject {
    public static var apiPrefix: String { "/api/v1" }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    public var key: String { (metadata.namespace.map { $0 + "/" } ?? "") + (metadata.name ?? "") }
}

/// A reference from an endpoint to the object behind it (usually a pod).
public struct ObjectReference: Codable, Sendable, Equatable {
    public var kind: String?
    public var namespace: String?
    public var name: String?
}

/// A port of a service, an Endpoints subset or an EndpointSlice (the three share the fields discovery reads).
public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    public var port: Int?
    public var protocol_: String?
    /// EndpointSlice ports only.
    public var appProtocol: String?
    enum CodingKeys: String, CodingKey {
        case name, port, appProtocol
        case protocol_ = "protocol"
    }
}

/// A service (role `service`, and the service labels of endpoints and endpoint slices).
public struct Service: Codable, Sendable, Equatable, KubeObject {
    public struct Spec: Codable, Sendable, Equatable {
        public var type: String?
        public var clusterIP: String?
        public var externalName: String?
        public var loadBalancerIP: String?
        public var ports: [Port]?
        public var ipFamilyPolicy: String?
        public var ipFamilies: [String]?
    }
    public typealias Port = ServicePort
    public var metadata: ObjectMeta
    public var spec: Spec?
    public static var resource: String { "services" }
    public static var namespaced: Bool { true }
}

/// An Endpoints object (role `endpoints`).
public struct Endpoints: Codable, Sendable, Equatable, KubeObject {
    public struct Subset: Codable, Sendable, Equatable {
        public var addresses: [Address]?
        public var notReadyAddresses: [Address]?
        public var ports: [Port]?
    }
    public struct Address: Codable, Sendable, Equatable {
        public var ip: String?
        public var hostname: String?
        public var nodeName: String?
        public var targetRef: ObjectReference?
    }
    public typealias Port = ServicePort
    public var metadata: ObjectMeta
    public var subsets: [Subset]?
    public static var resource: String { "endpoints" }
    public static var namespaced: Bool { true }
}

/// An EndpointSlice (`discovery.k8s.io/v1`, role `endpointslice`).
public struct EndpointSlice: Codable, Sendable, Equatable, KubeObject {
    public struct Endpoint: Codable, Sendable, Equatable {
        public struct Conditions: Codable, Sendable, Equatable {
            public var ready: Bool?
            public var serving: Bool?
            public var terminating: Bool?
        }
        public var addresses: [String]?
        public var conditions: Conditions?
        public var hostname: String?
        public var nodeName: String?
        public var zone: String?
        public var targetRef: ObjectReference?
        public var deprecatedTopology: [String: String]?
    }
    public typealias Port = ServicePort
    public var metadata: ObjectMeta
    public var addressType: String?
    public var endpoints: [Endpoint]?
    public var ports: [Port]?
    public static var resource: String { "endpointslices" }
    public static var namespaced: Bool { true }
    public static var apiPrefix: String { "/apis/discovery.k8s.io/v1" }
}

/// An Ingress (`networking.k8s.io/v1`, role `ingress`).
public struct Ingress: Codable, Sendable, Equatable, KubeObject {
    public struct Spec: Codable, Sendable, Equatable {
        public var ingressClassName: String?
        public var rules: [Rule]?
        public var tls: [TLS]?
    }
    public struct Rule: Codable, Sendable, Equatable {
        public struct HTTP: Codable, Sendable, Equatable {
            public struct Path: Codable, Sendable, Equatable { public var path: String? }
            public var paths: [Path]?
        }
        public var host: String?
        public var http: HTTP?
    }
    public struct TLS: Codable, Sendable, Equatable { public var hosts: [String]? }
    public var metadata: ObjectMeta
    public var spec: Spec?
    public static var resource: String { "ingresses" }
    public static var namespaced: Bool { true }
    public static var apiPrefix: String { "/apis/networking.k8s.io/v1" }
}

/// A list response: the items and where to continue.
struct ObjectList<Object: KubeObject>: Decodable {
    struct Meta: Decodable {
        var resourceVersion: String?
        var `continue`: String?
    }
    var metadata: Meta?
    var items: [Object]?
}

/// A `Status` object: what the API server sends for errors, also inside `ERROR` watch events.
struct APIStatus: Decodable {
    var kind: String?
    var status: String?
    var message: String?
    var reason: String?
    var code: Int?
}

/// The type of a watch event line.
struct WatchEventHead: Decodable {
    var type: String
}

/// One watch event line with its object.
struct WatchEvent<Object: KubeObject>: Decodable {
    var type: String
    var object: Object
}

/// A BOOKMARK event's object: only the resource version is meaningful.
struct BookmarkEvent: Decodable {
    struct Obj: Decodable { var metadata: ObjectMeta? }
    var object: Obj
}

/// An ERROR event carries a Status.
struct ErrorEvent: Decodable {
    var object: APIStatus
}
