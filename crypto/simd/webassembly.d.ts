// The part of the WebAssembly JS API that mime-text.ts uses. Node has it as a global, but
// @types/node 20 does not declare it and the DOM library would bring browser globals too.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array)
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>)
    readonly exports: Record<string, unknown>
  }
  class Memory {
    readonly buffer: ArrayBuffer
    grow(pages: number): number
  }
}
