/**
 * The subset of ONNX's `onnx.proto` that export needs, as a protobufjs JSON descriptor (field
 * numbers as in the ONNX specification): ModelProto, OperatorSetIdProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto(.Tensor), TensorShapeProto(.Dimension).
 * Decoding with the same descriptor lets tests inspect what was written.
 */
import protobuf from 'protobufjs/light.js';

const f = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1), f: f('float', 2), i: f('int64', 3), s: f('bytes', 4), t: f('TensorProto', 5),
            floats: f('float', 7, 'repeated'), ints: f('int64', 8, 'repeated'), strings: f('bytes', 9, 'repeated'),
            docString: f('string', 13), type: f('int32', 20),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) } },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'), output: f('string', 2, 'repeated'), name: f('string', 3), opType: f('string', 4),
            attribute: f('AttributeProto', 5, 'repeated'), docString: f('string', 6), domain: f('string', 7),
          },
        },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1), producerName: f('string', 2), producerVersion: f('string', 3), domain: f('string', 4),
            modelVersion: f('int64', 5), docString: f('string', 6), graph: f('GraphProto', 7), opsetImport: f('OperatorSetIdProto', 8, 'repeated'),
          },
        },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'), name: f('string', 2), initializer: f('TensorProto', 5, 'repeated'),
            docString: f('string', 10), input: f('ValueInfoProto', 11, 'repeated'), output: f('ValueInfoProto', 12, 'repeated'),
            valueInfo: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: f('int64', 1, 'repeated'), dataType: f('int32', 2), floatData: f('float', 4, 'repeated'), int32Data: f('int32', 5, 'repeated'),
            int64Data: f('int64', 7, 'repeated'), name: f('string', 8), rawData: f('bytes', 9), docString: f('string', 12),
          },
        },
        TensorShapeProto: {
          fields: { dim: f('Dimension', 1, 'repeated') },
          nested: { Dimension: { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } }, fields: { dimValue: f('int64', 1), dimParam: f('string', 2) } } },
        },
        TypeProto: {
          fields: { tensorType: f('Tensor', 1) },
          nested: { Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } } },
        },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
      },
    },
  },
};

// The enum codes live in onnx-codes.ts (graph building needs them without protobufjs).
export { ATTR, ONNX_FLOAT, ONNX_INT64 } from './onnx-codes.js';

let root: protobuf.Root | null = null;

export function onnxType(name: 'ModelProto' | 'GraphProto' | 'NodeProto' | 'TensorProto'): protobuf.Type {
  root ??= protobuf.Root.fromJSON(DESCRIPTOR);
  return root.lookupType(`onnx.${name}`);
}
