// Shapes of the backend's JSON contract (see backend/README.md).

export interface Task {
  id: number;
  title: string;
  done: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

export interface NewTask {
  title: string;
  done?: boolean;
}

export interface TaskChanges {
  title?: string;
  done?: boolean;
}

export interface BackendVersion {
  version: string;
  commit: string;
  buildTime: string;
}

export interface ListQuery {
  limit?: number;
  cursor?: string | null;
  done?: boolean;
}
