// A React view: JSX, generics and decorators in one file.
import React, { useState } from "react";

@Component({ selector: "app-root", template: "<div>{{ title }}</div>" })
export class AppComponent {
  title = "app";
}

type Props<T> = { items: T[]; render: (item: T) => JSX.Element };

export function List<T extends { id: string }>({ items, render }: Props<T>): JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <ul className="list">
      {items.map((item) => <li key={item.id}>{render(item)}</li>)}
      <p>Don't panic: this apostrophe is prose</p>
    </ul>
  );
}

export const identity = <T,>(value: T): T => value;

export default function App(): JSX.Element {
  return <List items={[]} render={() => <span>{"}"}</span>} />;
}

export function shape(): { width: number } {
  return { width: 1 };
}

const compare = (a: number, b: number) => a < b ? { lower: a } : { lower: b };
