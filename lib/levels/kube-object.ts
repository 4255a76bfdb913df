/**
 * The smallest shape every Kubernetes object in a level file must have. Level data, the
 * level runner and the grader pass these around; the Kubernetes adapter turns them into
 * API calls. Browser-safe: imports only zod.
 */
import { z } from "zod";

/** A Kubernetes object as it appears in a level's YAML: anything beyond these fields is kept. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** Object names are DNS subdomains (RFC 1123), at most 253 characters. */
const objectName = z
  .string()
  .min(1, "metadata.name must not be empty")
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "metadata.name must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
  );

export const kubeObjectSchema = z.looseObject({
  apiVersion: z.string().min(1, "apiVersion must not be empty"),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "kind must be a Kubernetes kind such as Service"),
  metadata: z.looseObject({
    name: objectName,
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
});

// Compile-time proof that the schema and the interface describe the same shape.
type SchemaOutput = z.infer<typeof kubeObjectSchema>;
const _schemaMatchesInterface: (o: SchemaOutput) => KubeObject = (o) => o;
void _schemaMatchesInterface;

/** RFC 1123 label: what a namespace name must be. */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isValidNamespace(value: string): boolean {
  return NAMESPACE_PATTERN.test(value);
}
