/**
 * The parts of blessed and blessed-contrib the projector dashboard uses. Neither package
 * ships types (blessed-contrib is unmaintained), so they are declared here, narrowly.
 */
declare module 'blessed' {
  export namespace Widgets {
    interface Node {
      destroy(): void;
      detach(): void;
    }
    interface BoxElement extends Node {
      setContent(text: string): void;
      setLabel(text: string): void;
    }
    interface Screen extends Node {
      width: number;
      height: number;
      children: Node[];
      program: { output: NodeJS.WriteStream };
      /** blessed's terminfo: with brokenACS set it never draws lines with the terminal's ACS. */
      tput: { brokenACS: boolean };
      render(): void;
      key(keys: string[], handler: () => void): void;
      on(event: 'resize', handler: () => void): void;
      append(node: Node): void;
    }
    interface ScreenOptions {
      smartCSR?: boolean;
      fullUnicode?: boolean;
      title?: string;
      input?: NodeJS.ReadableStream;
      output?: NodeJS.WritableStream;
      terminal?: string;
      forceUnicode?: boolean;
      warnings?: boolean;
    }
    interface BoxOptions {
      parent?: Screen;
      top?: number | string;
      left?: number | string;
      width?: number | string;
      height?: number | string;
      content?: string;
      tags?: boolean;
      border?: { type: 'line' };
      label?: string;
      style?: Record<string, unknown>;
    }
  }
  export function screen(options: Widgets.ScreenOptions): Widgets.Screen;
  export function box(options: Widgets.BoxOptions): Widgets.BoxElement;
  /** `{` and `}` written so that an element with tags shows them as they are. */
  export function escape(text: string): string;
  const blessed: { screen: typeof screen; box: typeof box; escape: typeof escape };
  export default blessed;
}

declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';

  export interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line: string };
  }
  export interface LineWidget extends Widgets.BoxElement {
    setData(series: LineSeries[]): void;
  }
  export interface GaugeWidget extends Widgets.BoxElement {
    setPercent(percent: number): void;
  }
  export interface BarWidget extends Widgets.BoxElement {
    setData(data: { titles: string[]; data: number[] }): void;
  }
  export interface TableWidget extends Widgets.BoxElement {
    setData(data: { headers: string[]; data: string[][] }): void;
    /** The list under the heading: one item per row, tags parsed. */
    rows: { setItems(items: string[]): void };
  }
  export interface LogWidget extends Widgets.BoxElement {
    log(line: string): void;
  }
  export interface Grid {
    set<T>(
      row: number,
      col: number,
      rowSpan: number,
      colSpan: number,
      widget: unknown,
      options: Record<string, unknown>,
    ): T;
  }
  export interface GridConstructor {
    new (options: { rows: number; cols: number; screen: Widgets.Screen }): Grid;
  }
  const contrib: {
    grid: GridConstructor;
    line: unknown;
    gauge: unknown;
    bar: unknown;
    table: unknown;
    log: unknown;
  };
  export default contrib;
}
