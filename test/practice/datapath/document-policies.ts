// The source document's two policies as one file: allow-dns (DNS to kube-dns through Cilium's DNS proxy) and
// allow-egress-to-specific-domain (HTTPS to the FQDNs it names, from app=client).
export const DOCUMENT_POLICIES = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-dns
spec:
  endpointSelector: {}
  egress:
    - toEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: kube-system
            k8s:k8s-app: kube-dns
      toPorts:
        - ports:
            - port: "53"
              protocol: ANY
          rules:
            dns:
            - matchPattern: "*"
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-egress-to-specific-domain
spec:
  egress:
    - toFQDNs:
        - matchName: example.com
        - matchName: google.com
        - matchPattern: "*.google.com"
        - matchPattern: "*.github.com"
      toPorts:
        - ports:
            - port: "443"
              protocol: TCP
  endpointSelector:
    matchLabels:
      app: client
`;
