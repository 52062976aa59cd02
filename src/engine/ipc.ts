// The one message the engine process sends its supervisor: it is listening, and on which port.
export const EngineMessageType = {
  LISTENING: 'listening'
} as const

export interface ListeningMessage {
  readonly type: typeof EngineMessageType.LISTENING
  readonly port: number
}

export function isListeningMessage (message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null &&
    'type' in message && message.type === EngineMessageType.LISTENING &&
    'port' in message && typeof message.port === 'number'
}
