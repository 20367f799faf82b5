/**
 * TensorFlow.js backend selection — the one place that decides which backend runs the networks.
 *
 * Order for "auto": @tensorflow/tfjs-node (native libtensorflow; an optionalDependency because its
 * install step downloads a binary, which fails on machines without internet) → @tensorflow/tfjs with the
 * WebAssembly backend (~4× faster than pure JS for our network sizes) → the pure-JS cpu backend.
 *
 * Every agent module gets `tf` from here (never imports @tensorflow/tfjs directly), so the same tf
 * instance and backend are used for building, training and inference.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | 'node' | 'wasm' | 'cpu';

export interface TfRuntime {
  tf: Tf;
  backend: BackendName;
  /** Why earlier choices were skipped, for the start-up log and benchmarks. */
  notes: string[];
}

let runtime: Promise<TfRuntime> | undefined;
let chosenPreference: BackendPreference | undefined;

async function tryNode(notes: string[]): Promise<TfRuntime | undefined> {
  try {
    const specifier = '@tensorflow/tfjs-node';
    const tf = (await import(specifier)) as Tf;
    await tf.ready();
    return { tf, backend: 'tensorflow', notes };
  } catch (err) {
    notes.push(`tfjs-node unavailable: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function tryWasm(notes: string[]): Promise<TfRuntime | undefined> {
  try {
    const tf = (await import('@tensorflow/tfjs')) as Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
    await tf.ready();
    return { tf, backend: 'wasm', notes };
  } catch (err) {
    notes.push(`wasm backend unavailable: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function useCpu(notes: string[]): Promise<TfRuntime> {
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu', notes };
}

async function select(pref: BackendPreference): Promise<TfRuntime> {
  const notes: string[] = [];
  if (pref === 'cpu') return useCpu(notes);
  if (pref === 'wasm') return (await tryWasm(notes)) ?? useCpu(notes);
  if (pref === 'node') {
    const node = await tryNode(notes);
    if (!node) throw new Error(`TF_BACKEND=node but ${notes.join('; ')}`);
    return node;
  }
  return (await tryNode(notes)) ?? (await tryWasm(notes)) ?? useCpu(notes);
}

/**
 * Initialise TF.js once per process. Later calls return the same runtime; asking for a different
 * preference after initialisation is an error (a process has one backend).
 */
export function initTf(preference: BackendPreference = 'auto'): Promise<TfRuntime> {
  if (runtime) {
    if (chosenPreference !== preference && preference !== 'auto') {
      return runtime.then((r) => {
        if (preference === 'cpu' && r.backend !== 'cpu') throw new Error(`TF already initialised with ${r.backend}`);
        if (preference === 'wasm' && r.backend !== 'wasm') throw new Error(`TF already initialised with ${r.backend}`);
        if (preference === 'node' && r.backend !== 'tensorflow') throw new Error(`TF already initialised with ${r.backend}`);
        return r;
      });
    }
    return runtime;
  }
  chosenPreference = preference;
  runtime = select(preference);
  runtime.then((r) => r.tf.enableProdMode?.()).catch(() => undefined);
  return runtime;
}
