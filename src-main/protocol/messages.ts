import { z } from 'zod'

/** Wire messages between a client (renderer, CLI) and the engine host, and between host and worker. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.string().min(1).max(64), method: z.string().min(1).max(64), params: z.unknown() }),
  z.object({ type: z.literal('cancel'), id: z.string().min(1).max(64) }),
])
export type ClientMessage = z.infer<typeof clientMessageSchema>

export const progressSchema = z.object({ done: z.number(), total: z.number(), phase: z.string().optional() })
export type Progress = z.infer<typeof progressSchema>

const errorSchema = z.object({ code: z.string(), message: z.string(), detail: z.string().optional() })

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), id: z.string(), progress: progressSchema }),
  z.object({ type: z.literal('partial'), id: z.string(), data: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.string(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.string(), error: errorSchema }),
  z.object({ type: z.literal('cancelled'), id: z.string() }),
])
export type ServerMessage = z.infer<typeof serverMessageSchema>
