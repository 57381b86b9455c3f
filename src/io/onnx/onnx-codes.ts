/**
 * The numeric codes of ONNX's protobuf enums that export writes, kept apart from the protobuf
 * descriptor so building a graph does not load protobufjs (it is loaded when the bytes are encoded).
 */

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** AttributeProto.AttributeType values. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
