// Models for the store.
import { Injectable } from "@angular/core";

export interface User {
  id: number;
  name?: string;
  greet(other: User): string;
  readonly tags: string[];
}

export type UserId = number;
type Handler<T> = (event: T) => void;

export enum Role {
  Admin = "admin",
  Guest = "guest",
}

const enum Direction { Up, Down }

/** A generic repository. */
@Injectable()
export abstract class Repository<T extends { id: number }> {
  private items: Map<number, T> = new Map();

  constructor(private readonly name: string) {}

  abstract validate(item: T): boolean;

  public find(id: number): T | undefined {
    const text = `${id}: ${"}"}`;
    return this.items.get(id);
  }

  async save<K>(item: T, key?: K): Promise<void> {}

  protected onChange = (item: T): void => {
    console.log(item);
  };
}

export namespace Validation {
  export const EMAIL = /^[^@]+@[^@]+$/;
  export function isEmail(value: string): boolean {
    return EMAIL.test(value);
  }
}

declare module "legacy-lib" {
  export function legacy(): void;
}

export function overloaded(x: string): string;
export function overloaded(x: number): number;
export function overloaded(x: any) {
  return x;
}

export const createUser = (name: string): User => ({ id: 1, name, greet: () => "", tags: [] });
export const LIMITS: { max: number } = { max: 10 };
