/**
 * The ElasticScaler CustomResourceDefinition (group tide.dev, version v1alpha1, namespaced),
 * generated from the ScalerSpec schema; `tide crd` prints it and deploy/crd/elasticscaler.yaml
 * is its committed copy (a test keeps the two equal).
 *
 * @module
 */
import type { JsonSchema } from './json-schema.js';
import { specSchema } from './spec-schema.js';
import { statusSchema } from './status-schema.js';

export const CRD_GROUP = 'tide.dev';
export const CRD_VERSION = 'v1alpha1';
export const CRD_KIND = 'ElasticScaler';
export const CRD_PLURAL = 'elasticscalers';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly jsonPath: string;
  readonly description: string;
}

/** The CRD as a plain object, ready for YAML or JSON. */
export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: Readonly<Record<string, string | readonly string[]>>;
    readonly scope: 'Namespaced';
    readonly versions: readonly {
      readonly name: string;
      readonly served: boolean;
      readonly storage: boolean;
      readonly schema: { readonly openAPIV3Schema: JsonSchema };
      readonly subresources: { readonly status: Record<string, never> };
      readonly additionalPrinterColumns: readonly PrinterColumn[];
    }[];
  };
}

/**
 * `kubectl get es`. A column is one JSONPath, so the target is two (Kind, Target). Min and Max
 * are blank where the spec leaves the default; Mode is written by the controller with the
 * defaults applied.
 */
export const printerColumns: readonly PrinterColumn[] = [
  {
    name: 'Kind',
    type: 'string',
    jsonPath: '.spec.target.kind',
    description: "The target's kind.",
  },
  {
    name: 'Target',
    type: 'string',
    jsonPath: '.spec.target.name',
    description: "The target's name.",
  },
  {
    name: 'Min',
    type: 'integer',
    jsonPath: '.spec.minReplicas',
    description: 'minReplicas (blank: the default, 1).',
  },
  {
    name: 'Max',
    type: 'integer',
    jsonPath: '.spec.maxReplicas',
    description: 'maxReplicas (blank: the default, 100).',
  },
  {
    name: 'Current',
    type: 'integer',
    jsonPath: '.status.currentReplicas',
    description: "The target's replicas at the last decision.",
  },
  {
    name: 'Desired',
    type: 'integer',
    jsonPath: '.status.desiredReplicas',
    description: 'What the last decision asked for.',
  },
  {
    name: 'Mode',
    type: 'string',
    jsonPath: '.status.mode',
    description: 'The prediction mode in effect, or DryRun.',
  },
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: 'Since the scaler was created.',
  },
];

export function elasticScalerCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${CRD_PLURAL}.${CRD_GROUP}` },
    spec: {
      group: CRD_GROUP,
      names: {
        kind: CRD_KIND,
        listKind: `${CRD_KIND}List`,
        plural: CRD_PLURAL,
        singular: 'elasticscaler',
        shortNames: ['es'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: rootSchema() },
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
        },
      ],
    },
  };
}

function rootSchema(): JsonSchema {
  return {
    type: 'object',
    description: "An ElasticScaler scales one workload in its namespace with Tide's engine.",
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: specSchema(),
      status: statusSchema(),
    },
  };
}
