// The Kubernetes protobuf messages kubectl sends in request bodies, as far as the practice cluster reads them.
// Field names and numbers follow the generated.proto files of k8s.io/api v0.33 (core/v1, apps/v1, batch/v1,
// networking/v1, policy/v1, rbac/v1) and k8s.io/apimachinery v0.33 (pkg/apis/meta/v1, pkg/runtime,
// pkg/util/intstr, pkg/api/resource); only the messages and fields kubectl's typed requests carry are listed.
// `[(go_pointer) = true]` marks a field that is a pointer in the Go type: gogo writes it only when set, so its
// zero value is meaningful (replicas: 0). Every other scalar is written even when empty and reads back as unset.
// `[(go_inline) = true]` marks an embedded struct whose fields JSON puts in the parent (`json:",inline"`).
// A field that is not listed here makes the decoder refuse the body rather than drop it (see decode.ts).
export const KUBERNETES_PROTO = `
syntax = "proto2";
package k8s;

message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }

message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message Quantity { optional string string = 1; }
message FieldsV1 { optional bytes Raw = 1; }

message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10 [(go_pointer) = true];
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6 [(go_pointer) = true];
  optional bool blockOwnerDeletion = 7 [(go_pointer) = true];
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message Preconditions { optional string uid = 1 [(go_pointer) = true]; optional string resourceVersion = 2 [(go_pointer) = true]; }
message DeleteOptions {
  optional int64 gracePeriodSeconds = 1 [(go_pointer) = true];
  optional Preconditions preconditions = 2;
  optional bool orphanDependents = 3 [(go_pointer) = true];
  optional string propagationPolicy = 4 [(go_pointer) = true];
  repeated string dryRun = 5;
  optional bool ignoreStoreReadErrorWithClusterBreakingPotential = 6 [(go_pointer) = true];
}

// core/v1
message ObjectReference {
  optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4;
  optional string apiVersion = 5; optional string resourceVersion = 6; optional string fieldPath = 7;
}
message LocalObjectReference { optional string name = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional NamespaceStatus status = 3; }
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4 [(go_pointer) = true]; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5 [(go_pointer) = true]; }
message ServiceAccount {
  optional ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(go_pointer) = true];
}
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional ServiceStatus status = 3; }
message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  repeated string clusterIPs = 18;
  optional string ipFamilyPolicy = 17 [(go_pointer) = true];
  repeated string ipFamilies = 19;
  optional bool allocateLoadBalancerNodePorts = 20 [(go_pointer) = true];
  optional string loadBalancerClass = 21 [(go_pointer) = true];
  optional string internalTrafficPolicy = 22 [(go_pointer) = true];
  optional string trafficDistribution = 23 [(go_pointer) = true];
}
message ServicePort {
  optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4;
  optional int32 nodePort = 5; optional string appProtocol = 6 [(go_pointer) = true];
}
message ServiceStatus { optional LoadBalancerStatus loadBalancer = 1; }
message LoadBalancerStatus { }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; optional PodStatus status = 3; }
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message PodSpec {
  repeated Container containers = 2;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(go_pointer) = true];
  optional int64 activeDeadlineSeconds = 5 [(go_pointer) = true];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional string schedulerName = 19;
  repeated Container initContainers = 20;
  optional bool automountServiceAccountToken = 21 [(go_pointer) = true];
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(go_pointer) = true];
  optional bool shareProcessNamespace = 27 [(go_pointer) = true];
  optional string runtimeClassName = 29 [(go_pointer) = true];
  optional bool enableServiceLinks = 30 [(go_pointer) = true];
  optional string preemptionPolicy = 31 [(go_pointer) = true];
  optional bool setHostnameAsFQDN = 35 [(go_pointer) = true];
  optional bool hostUsers = 37 [(go_pointer) = true];
}
message PodStatus {
  optional string phase = 1; optional string message = 3; optional string reason = 4; optional string hostIP = 5;
  optional string podIP = 6; optional string qosClass = 9; optional string nominatedNodeName = 11; optional string resize = 14;
  optional int64 observedGeneration = 17;
}
message Container {
  optional string name = 1;
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  optional string terminationMessagePath = 13;
  optional string imagePullPolicy = 14;
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
  optional string terminationMessagePolicy = 20;
  optional string restartPolicy = 24 [(go_pointer) = true];
}
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; optional string hostIP = 5; }
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message ResourceQuota { optional ObjectMeta metadata = 1; optional ResourceQuotaSpec spec = 2; optional ResourceQuotaStatus status = 3; }
message ResourceQuotaSpec { map<string, Quantity> hard = 1; repeated string scopes = 2; }
message ResourceQuotaStatus { map<string, Quantity> hard = 1; map<string, Quantity> used = 2; }

// apps/v1
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message DeploymentSpec {
  optional int32 replicas = 1 [(go_pointer) = true];
  optional LabelSelector selector = 2;
  optional PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(go_pointer) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(go_pointer) = true];
}
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
message DeploymentStatus {
  optional int64 observedGeneration = 1; optional int32 replicas = 2; optional int32 updatedReplicas = 3; optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5; optional int32 readyReplicas = 7; optional int32 collisionCount = 8 [(go_pointer) = true];
  optional int32 terminatingReplicas = 9 [(go_pointer) = true];
}

// batch/v1
message Job { optional ObjectMeta metadata = 1; optional JobSpec spec = 2; optional JobStatus status = 3; }
message JobTemplateSpec { optional ObjectMeta metadata = 1; optional JobSpec spec = 2; }
message JobSpec {
  optional int32 parallelism = 1 [(go_pointer) = true];
  optional int32 completions = 2 [(go_pointer) = true];
  optional int64 activeDeadlineSeconds = 3 [(go_pointer) = true];
  optional LabelSelector selector = 4;
  optional bool manualSelector = 5 [(go_pointer) = true];
  optional PodTemplateSpec template = 6;
  optional int32 backoffLimit = 7 [(go_pointer) = true];
  optional int32 ttlSecondsAfterFinished = 8 [(go_pointer) = true];
  optional string completionMode = 9 [(go_pointer) = true];
  optional bool suspend = 10 [(go_pointer) = true];
  optional int32 backoffLimitPerIndex = 12 [(go_pointer) = true];
  optional int32 maxFailedIndexes = 13 [(go_pointer) = true];
  optional string podReplacementPolicy = 14 [(go_pointer) = true];
  optional string managedBy = 15 [(go_pointer) = true];
}
message JobStatus {
  optional Time startTime = 2; optional Time completionTime = 3; optional int32 active = 4; optional int32 succeeded = 5;
  optional int32 failed = 6; optional string completedIndexes = 7; optional int32 ready = 9 [(go_pointer) = true];
  optional int32 terminating = 11 [(go_pointer) = true];
}
message CronJob { optional ObjectMeta metadata = 1; optional CronJobSpec spec = 2; optional CronJobStatus status = 3; }
message CronJobSpec {
  optional string schedule = 1;
  optional int64 startingDeadlineSeconds = 2 [(go_pointer) = true];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(go_pointer) = true];
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 [(go_pointer) = true];
  optional int32 failedJobsHistoryLimit = 7 [(go_pointer) = true];
  optional string timeZone = 8 [(go_pointer) = true];
}
message CronJobStatus { repeated ObjectReference active = 1; optional Time lastScheduleTime = 4; optional Time lastSuccessfulTime = 5; }

// networking/v1
message Ingress { optional ObjectMeta metadata = 1; optional IngressSpec spec = 2; optional IngressStatus status = 3; }
message IngressSpec { optional IngressBackend defaultBackend = 1; repeated IngressTLS tls = 2; repeated IngressRule rules = 3; optional string ingressClassName = 4 [(go_pointer) = true]; }
message IngressTLS { repeated string hosts = 1; optional string secretName = 2; }
message IngressRule { optional string host = 1; optional IngressRuleValue ingressRuleValue = 2 [(go_inline) = true]; }
message IngressRuleValue { optional HTTPIngressRuleValue http = 1; }
message HTTPIngressRuleValue { repeated HTTPIngressPath paths = 1; }
message HTTPIngressPath { optional string path = 1; optional IngressBackend backend = 2; optional string pathType = 3 [(go_pointer) = true]; }
message IngressBackend { optional IngressServiceBackend service = 4; }
message IngressServiceBackend { optional string name = 1; optional ServiceBackendPort port = 2; }
message ServiceBackendPort { optional string name = 1; optional int32 number = 2; }
message IngressStatus { optional IngressLoadBalancerStatus loadBalancer = 1; }
message IngressLoadBalancerStatus { }

// policy/v1
message PodDisruptionBudget { optional ObjectMeta metadata = 1; optional PodDisruptionBudgetSpec spec = 2; optional PodDisruptionBudgetStatus status = 3; }
message PodDisruptionBudgetSpec {
  optional IntOrString minAvailable = 1 [(go_pointer) = true];
  optional LabelSelector selector = 2;
  optional IntOrString maxUnavailable = 3 [(go_pointer) = true];
  optional string unhealthyPodEvictionPolicy = 4 [(go_pointer) = true];
}
message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1; optional int32 disruptionsAllowed = 3; optional int32 currentHealthy = 4;
  optional int32 desiredHealthy = 5; optional int32 expectedPods = 6;
}

// rbac/v1
message Role { optional ObjectMeta metadata = 1; repeated PolicyRule rules = 2; }
message PolicyRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; repeated string nonResourceURLs = 5; }

// authentication/v1 (kubectl auth whoami) and authorization/v1 (kubectl auth can-i, can-i --list): the reviews kubectl
// 1.32.5+ sends as protobuf. The selector attributes of ResourceAttributes (8, 9) are alpha and kubectl leaves them out.
// Go writes the (empty) status too; the server fills it in.
message SelfSubjectReview { optional ObjectMeta metadata = 1; optional SelfSubjectReviewStatus status = 2; }
message SelfSubjectReviewStatus { optional UserInfo userInfo = 1; }
message UserInfo { optional string username = 1; optional string uid = 2; repeated string groups = 3; }
message SelfSubjectAccessReview { optional ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; optional SubjectAccessReviewStatus status = 3; }
message SubjectAccessReviewStatus { optional bool allowed = 1; optional string reason = 2; optional string evaluationError = 3; optional bool denied = 4; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message ResourceAttributes {
  optional string namespace = 1; optional string verb = 2; optional string group = 3; optional string version = 4;
  optional string resource = 5; optional string subresource = 6; optional string name = 7;
}
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SelfSubjectRulesReview { optional ObjectMeta metadata = 1; optional SelfSubjectRulesReviewSpec spec = 2; optional SubjectRulesReviewStatus status = 3; }
message SubjectRulesReviewStatus { repeated ResourceRule resourceRules = 1; repeated NonResourceRule nonResourceRules = 2; optional bool incomplete = 3; optional string evaluationError = 4; }
message ResourceRule { repeated string verbs = 1; repeated string apiGroups = 2; repeated string resources = 3; repeated string resourceNames = 4; }
message NonResourceRule { repeated string verbs = 1; repeated string nonResourceURLs = 2; }
message SelfSubjectRulesReviewSpec { optional string namespace = 1; }
`;

/** The message each kind's body is read as, by apiVersion/kind as runtime.Unknown names it. */
export const MESSAGE_OF_KIND: Record<string, string> = {
	'v1/Namespace': 'Namespace',
	'v1/ConfigMap': 'ConfigMap',
	'v1/Secret': 'Secret',
	'v1/ServiceAccount': 'ServiceAccount',
	'v1/Service': 'Service',
	'v1/Pod': 'Pod',
	'v1/ResourceQuota': 'ResourceQuota',
	'apps/v1/Deployment': 'Deployment',
	'batch/v1/Job': 'Job',
	'batch/v1/CronJob': 'CronJob',
	'networking.k8s.io/v1/Ingress': 'Ingress',
	'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
	'rbac.authorization.k8s.io/v1/Role': 'Role',
	'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
	'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
	'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
	'v1/DeleteOptions': 'DeleteOptions',
	'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
};
