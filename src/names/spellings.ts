/**
 * Name spellings at the type level. Fovea's registries key on Keras's snake_case names and accept
 * the camelCase spelling too ('leaky_relu' and 'leakyRelu'), so the string-literal unions that
 * check names at compile time are built from the snake_case keys.
 */

/** 'hard_sigmoid' -> 'hardSigmoid'. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** A snake_case name and its camelCase spelling. */
export type SnakeOrCamel<S extends string> = S | CamelCase<S>;

/** 'glorotUniform' -> 'glorot_uniform'. */
export type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

/** A Keras class name ('GlorotUniform') with its snake_case ('glorot_uniform') and camelCase ('glorotUniform') spellings. */
export type ClassNameSpellings<S extends string> = S | Uncapitalize<S> | SnakeCase<Uncapitalize<S>>;
